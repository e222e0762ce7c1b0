-- Datasets: numbered versions of a named table, each registered from a CSV stored in the artifact store.
-- The CSV was parsed when it was uploaded: its row count, its columns with their types and a profile per column
-- are kept here, so readers never parse it again to learn its shape.
create table dataset_version (
    id          uuid        primary key,
    name        text        not null,
    version     int         not null check (version >= 1),
    artifact_id uuid        not null references artifact (id),
    sha256      text        not null check (sha256 ~ '^[0-9a-f]{64}$'),
    rows        bigint      not null check (rows >= 0),
    columns     jsonb       not null,
    profile     jsonb       not null,
    created_by  text        not null,
    created_at  timestamptz not null,
    unique (name, version)
);
create index dataset_version_by_created on dataset_version (created_at desc, id);
