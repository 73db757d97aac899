CREATE TABLE t(id INTEGER PRIMARY KEY, k INTEGER NOT NULL, v TEXT NOT NULL);
BEGIN;
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000)
INSERT INTO t(k, v) SELECT (x * 7919) % 100003, 'row' || x FROM c;
COMMIT;
CREATE INDEX t_k ON t(k);
SELECT 'count', count(*), sum(k), min(v), max(v) FROM t;
SELECT 'lookup', id, v FROM t WHERE k = 79190;
SELECT 'range', count(*) FROM t WHERE k BETWEEN 1000 AND 1999;
UPDATE t SET v = 'changed' WHERE k % 1000 = 0;
SELECT 'changed', count(*) FROM t WHERE v = 'changed';
DELETE FROM t WHERE id > 90000;
SELECT 'after delete', count(*), max(id) FROM t;
BEGIN; DELETE FROM t; ROLLBACK;
SELECT 'after rollback', count(*) FROM t;
PRAGMA integrity_check;
