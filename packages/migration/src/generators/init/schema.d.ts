export interface InitGeneratorSchema {
  /** Nx project name of the Prisma project. */
  name?: string;
  /** Directory of the project, relative to the workspace root. */
  directory?: string;
  /** Do not add prisma to package.json. */
  skipPackageJson?: boolean;
}
