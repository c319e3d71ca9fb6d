-- A hand-written schema with what Prisma never generates but real databases have.
CREATE TYPE mood AS ENUM ('happy', 'sad', 'meh');
CREATE TYPE size AS ENUM ('S', 'M', 'L', 'XL');
CREATE DOMAIN positive_int AS integer CHECK (VALUE > 0);
CREATE DOMAIN short_code AS varchar(8) NOT NULL;
CREATE DOMAIN plan_name AS text CHECK (VALUE IN ('free', 'pro', 'enterprise'));

-- uuid primary key, varchar(3) UNIQUE, unique expression index, enums and arrays, most scalar types.
CREATE TABLE account (
  id uuid PRIMARY KEY,
  handle varchar(3) NOT NULL UNIQUE,
  email text NOT NULL,
  mood mood NOT NULL,
  moods mood[],
  tags text[] NOT NULL DEFAULT '{}',
  scores integer[],
  balance numeric(10,2) NOT NULL,
  ratio double precision,
  weight real,
  active boolean NOT NULL DEFAULT true,
  settings json,
  profile jsonb NOT NULL,
  avatar bytea,
  born date,
  wakes_at time,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamp(3) NOT NULL,
  ttl interval,
  ip inet,
  net cidr,
  code short_code,
  plan plan_name NOT NULL DEFAULT 'free',
  level positive_int NOT NULL,
  initial char(1),
  note text,
  big bigint NOT NULL,
  small smallint
);
CREATE UNIQUE INDEX account_email_lower ON account (lower(email));

-- text primary key with a nullable self-reference (a tree).
CREATE TABLE category (
  slug text PRIMARY KEY,
  parent_slug text REFERENCES category (slug),
  title varchar(40) NOT NULL
);

-- CHECKs the seeder satisfies: IN-list, range, positive, non-empty; a composite unique of FK × enum.
CREATE TABLE product (
  id serial PRIMARY KEY,
  category_slug text NOT NULL REFERENCES category (slug),
  sku char(6) NOT NULL UNIQUE,
  size size NOT NULL,
  price numeric(10,2) NOT NULL CHECK (price > 0),
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'live', 'retired')),
  stock integer NOT NULL CHECK (stock BETWEEN 0 AND 500),
  name text NOT NULL CHECK (name <> ''),
  UNIQUE (category_slug, size)
);

-- composite primary key made of two foreign keys.
CREATE TABLE account_product (
  account_id uuid NOT NULL REFERENCES account (id),
  product_id integer NOT NULL REFERENCES product (id),
  quantity integer NOT NULL DEFAULT 1,
  PRIMARY KEY (account_id, product_id)
);

-- composite primary key referenced by a composite foreign key; identity and generated columns.
CREATE TABLE warehouse (
  region char(2) NOT NULL,
  num smallint NOT NULL,
  name text,
  PRIMARY KEY (region, num)
);
CREATE TABLE shelf (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  region char(2) NOT NULL,
  num smallint NOT NULL,
  label text GENERATED ALWAYS AS ('shelf ' || region || num) STORED,
  FOREIGN KEY (region, num) REFERENCES warehouse (region, num)
);

-- no column is unique on its own: 7 days × 24 hours × 36 rooms must be combined.
CREATE TABLE slot (
  day smallint NOT NULL CHECK (day BETWEEN 1 AND 7),
  hour smallint NOT NULL CHECK (hour >= 0 AND hour < 24),
  room char(1) NOT NULL,
  booked boolean NOT NULL,
  UNIQUE (day, hour, room)
);

-- a cycle broken by a nullable foreign key (employee.team_id), plus a self-reference (manager_id).
CREATE TABLE employee (
  id serial PRIMARY KEY,
  team_id integer,
  manager_id integer REFERENCES employee (id),
  name text NOT NULL
);
CREATE TABLE team (
  id serial PRIMARY KEY,
  lead_id integer NOT NULL REFERENCES employee (id),
  name text NOT NULL UNIQUE
);
ALTER TABLE employee ADD CONSTRAINT employee_team_fkey FOREIGN KEY (team_id) REFERENCES team (id);

-- a cycle of NOT NULL foreign keys: no row can go in first.
CREATE TABLE hen (id serial PRIMARY KEY, egg_id integer NOT NULL);
CREATE TABLE egg (id serial PRIMARY KEY, hen_id integer NOT NULL REFERENCES hen (id));
ALTER TABLE hen ADD CONSTRAINT hen_egg_fkey FOREIGN KEY (egg_id) REFERENCES egg (id);

-- a CHECK the seeder cannot read, on a NOT NULL column: a clear error.
CREATE TABLE voucher (
  id serial PRIMARY KEY,
  code text NOT NULL CONSTRAINT voucher_code_format CHECK (code ~ '^[A-Z]{4}-[0-9]{4}$')
);

-- the same kind of CHECK on a nullable column: seeded as NULL, with a warning.
CREATE TABLE coupon (
  id serial PRIMARY KEY,
  code text CONSTRAINT coupon_code_format CHECK (code ~ '^[A-Z]+$'),
  percent integer NOT NULL CHECK (percent > 0 AND percent <= 100)
);

-- a CHECK between two columns: later-declared dates and times get later values.
CREATE TABLE event (
  id bigserial PRIMARY KEY,
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  starts_on date NOT NULL,
  ends_on date NOT NULL,
  CONSTRAINT event_order CHECK (ends_at > starts_at AND ends_on > starts_on)
);

-- a partitioned table: rows go in through the parent.
CREATE TABLE measurement (
  id bigint PRIMARY KEY,
  taken_at timestamptz NOT NULL,
  reading numeric(8,3)
) PARTITION BY HASH (id);
CREATE TABLE measurement_0 PARTITION OF measurement FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE measurement_1 PARTITION OF measurement FOR VALUES WITH (MODULUS 2, REMAINDER 1);
