-- module: metering
-- One row per committed metering batch, written in the batch's transaction. When the answer to a
-- COMMIT is lost (the connection dies on the way back), inserting the marker again waits for that
-- transaction to end and then tells whether it committed, so the batch is never applied twice.
-- Rows are needed for seconds; a sweep drops them after an hour.
CREATE TABLE meter_batches (
    id           TEXT PRIMARY KEY,
    committed_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
