-- A change set's befores go back to the default storage, compressed in the row and moved to the TOAST
-- table only when they do not fit even compressed. With storage "main", PostgreSQL first tried to make
-- a set's row fit by compressing its other columns, which may be compressed or moved out first: every
-- insert ran pglz over the goal ids, kinds and versions (a few hundred bytes that gain next to nothing)
-- before compressing the befores, and every read decompressed them. As the default storage, the
-- befores, by far the largest column, are compressed first and the row fits: an insert of a set of 10
-- goals took about 40 us less (bench/history.sh's insert, README "Change history" under "Benchmark").
-- Rows written before keep their compressed columns; they read the same.
alter table change_sets alter column befores set storage extended;
