export interface InitGeneratorSchema {
  /** An existing Prisma project to adopt, or the new project's name (scoped names work). */
  name?: string;
  /** Directory of the project to adopt or create, relative to the workspace root. */
  directory?: string;
  /** When creating a project: do not add prisma to package.json. */
  skipPackageJson?: boolean;
}
