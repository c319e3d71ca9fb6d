/** Default names for relation fields, in the style of Prisma's docs (`orders Order[]`, `userId`). */

export function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

export function upperFirst(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** English plural of the last word of a camelCase name: order → orders, category → categories, box → boxes. */
export function pluralize(name: string): string {
  if (/[^aeiou]y$/i.test(name)) return `${name.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/i.test(name)) return `${name}es`;
  return `${name}s`;
}

/** The back-relation field on the referenced model: `orders` (one-to-many) or `order` (one-to-one). */
export function defaultBackRelationName(childModel: string, oneToOne: boolean): string {
  const base = lowerFirst(childModel);
  return oneToOne ? base : pluralize(base);
}

/** The scalar foreign-key field for a relation field: coupon + id → couponId. */
export function defaultForeignKeyField(relationField: string, referencedField: string): string {
  return `${relationField}${upperFirst(referencedField)}`;
}

/** "a String", "an Int": for messages that name a type. */
export function withArticle(word: string): string {
  return `${/^[aeiou]/i.test(word) ? 'an' : 'a'} ${word}`;
}
