-- Old failure records are purged (app: recordFailure), found by this index
-- without reading the whole table, however many logins were tried.
CREATE INDEX throttle_by_last_failure ON throttle (last_failure);
