import { featuresBetween, VERSION_FEATURES } from './features';

describe('the version feature table', () => {
  it('recognises each feature in the statement its probe proves on the server', () => {
    for (const feature of VERSION_FEATURES) expect([feature.id, feature.usedBy.test(feature.probe.sql)]).toEqual([feature.id, true]);
  });

  it('does not mistake the CHECK route of 14–17 for NOT NULL … NOT VALID', () => {
    const notNull = VERSION_FEATURES.find((f) => f.id === 'not-null-not-valid')!;
    expect(notNull.usedBy.test('ALTER TABLE "User" ADD CONSTRAINT "User_age_not_null" CHECK ("age" IS NOT NULL) NOT VALID;')).toBe(false);
    expect(notNull.usedBy.test('ALTER TABLE "User" ADD CONSTRAINT "User_age_not_null" NOT NULL "age" NOT VALID;')).toBe(true);
  });

  it('lists what tells two majors apart, in either order', () => {
    const new18 = ['not-null-not-valid', 'named-not-null-constraints', 'uuidv7'];
    expect(featuresBetween(15, 18).map((f) => f.id)).toEqual(new18);
    expect(featuresBetween(18, 16).map((f) => f.id)).toEqual(new18);
    expect(featuresBetween(14, 17)).toEqual([]);
    expect(featuresBetween(18, 18)).toEqual([]);
  });
});
