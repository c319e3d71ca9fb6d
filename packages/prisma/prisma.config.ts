import { defineConfig } from 'prisma/config';

// Prisma 7 reads connection settings from here. @forge/migration reads the same file:
// DATABASE_URL when set, else its embedded PostgreSQL (nothing to install).
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: {
    path: 'prisma/migrations',
  },
  datasource: {
    url: process.env.DATABASE_URL ?? '',
  },
});
