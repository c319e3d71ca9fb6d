import { renameGenerator } from '../generators/rename/generator';
import { expectRefusedUntouched } from '../testing/refusal';
import { SAMPLE_SCHEMA, createSampleTree } from '../testing/sample-tree';
import { blockAttributes, findModel, modelFields, parseSchema, type BlockAttribute } from './ast';
import { attributeFieldList, attributeString, fieldAttributes, fieldMap, relationNameArgument } from './attribute-fields';

const SCHEMA = (named: boolean) => `
model Post {
  id          Int      @id
  createdDate DateTime ${named ? '@map(name: "created")' : '@map("created")'}
  authorId    Int
  author      User     @relation(${named ? 'name: "Authored"' : '"Authored"'}, fields: [authorId], references: [id])

  @@index(${named ? 'fields: [authorId, createdDate]' : '[authorId, createdDate]'})
  @@map(${named ? 'name: "posts"' : '"posts"'})
}
`;

describe('attribute arguments: the positional and the named form read the same', () => {
  it.each([false, true])('named form: %s', (named) => {
    const post = findModel(parseSchema(SCHEMA(named)), 'Post')!;
    const field = (name: string) => modelFields(post).find((f) => f.name === name)!;
    const block = (name: string) => blockAttributes(post).find((a) => a.name === name) as BlockAttribute;

    expect(fieldMap(field('createdDate'))).toBe('created');
    expect(relationNameArgument(fieldAttributes(field('author'), 'relation')[0])).toBe('Authored');
    expect(attributeFieldList(fieldAttributes(field('author'), 'relation')[0], 'fields')).toEqual(['authorId']);
    expect(attributeFieldList(block('index'))).toEqual(['authorId', 'createdDate']);
    expect(attributeString(block('map'), 'name')).toBe('posts');
  });

  it('rename refuses a field mapped with @map(name: "…") as it does @map("…"), instead of dropping the mapping', async () => {
    const tree = createSampleTree();
    const schema = tree.read(SAMPLE_SCHEMA, 'utf-8')!;
    tree.write(SAMPLE_SCHEMA, schema.replace(/(model AuditLog \{[^}]*?createdAt\s+DateTime\s+@default\(now\(\)\))/, '$1 @map(name: "createdAt")'));
    expect(tree.read(SAMPLE_SCHEMA, 'utf-8')).toContain('@map(name: "createdAt")');

    await expectRefusedUntouched(
      tree,
      () => renameGenerator(tree, { targetTable: 'AuditLog', field: 'createdAt', to: 'loggedAt' }),
      /AuditLog\.createdAt is mapped to the column "createdAt" \(@map\)\. Say what the database name becomes/,
    );
  });
});
