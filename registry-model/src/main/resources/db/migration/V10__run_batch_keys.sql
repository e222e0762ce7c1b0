-- Idempotency keys of logged batches: a batch sent again under a key its run already holds (a retry after a lost
-- answer) is acknowledged without being written twice. Keys are per run and live as long as the run.
create table run_batch_key (
    run_id    uuid        not null references run (id) on delete cascade,
    key       text        not null,
    logged_at timestamptz not null default now(),
    primary key (run_id, key)
);
