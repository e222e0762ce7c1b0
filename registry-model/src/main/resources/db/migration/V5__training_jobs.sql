-- Training jobs: queued by trainModel, run by the gateways' training workers, which share them through
-- FOR UPDATE SKIP LOCKED and hold each running job by a lease they renew while it runs.
create table training_job (
    id               uuid             primary key,
    status           text             not null check (status in ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
    -- The TrainModelInput as given (after validation), as JSON.
    spec             jsonb            not null,
    progress         double precision not null default 0 check (progress >= 0 and progress <= 1),
    stage            text,
    run_id           uuid             references run (id),
    model_name       text,
    model_version    int,
    error            text,
    attempts         int              not null default 0,
    lease_owner      text,
    lease_until      timestamptz,
    cancel_requested boolean          not null default false,
    created_by       text             not null,
    created_at       timestamptz      not null,
    started_at       timestamptz,
    finished_at      timestamptz
);
-- Workers look for queued jobs, and for running ones whose lease ran out (their worker died).
create index training_job_claimable on training_job (created_at) where status in ('QUEUED', 'RUNNING');
create index training_job_by_created on training_job (created_at desc, id desc);
create index training_job_by_status on training_job (status, created_at desc, id desc);

create table training_job_log (
    job_id uuid        not null references training_job (id),
    seq    int         not null,
    at     timestamptz not null,
    line   text        not null,
    primary key (job_id, seq)
);

-- Lineage: which node came from which. Node ids are 'dataset:<id>', 'run:<id>', 'model:<name>:<version>',
-- 'deployment:<name>'; kinds so far TRAINED_ON (dataset -> run) and PRODUCED (run -> model version).
create table lineage_edge (
    from_node  text        not null,
    to_node    text        not null,
    kind       text        not null,
    created_at timestamptz not null,
    primary key (from_node, to_node, kind)
);
create index lineage_edge_to on lineage_edge (to_node);
