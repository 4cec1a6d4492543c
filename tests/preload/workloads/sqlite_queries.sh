#!/usr/bin/env bash
# An in-memory SQL database: sqlite3 builds tables from recursive queries, indexes them, and
# runs joins, aggregates, window functions and updates.
command -v sqlite3 >/dev/null || { echo "sqlite3 not installed" >&2; exit 77; }
exec sqlite3 :memory: <<'SQL'
CREATE TABLE customer(id INTEGER PRIMARY KEY, name TEXT, region INTEGER);
CREATE TABLE purchase(id INTEGER PRIMARY KEY, customer INTEGER, amount REAL, note TEXT);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
INSERT INTO customer SELECT i, 'customer ' || (i * 7919 % 20011), i % 17 FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000)
INSERT INTO purchase SELECT i, (i * 104729) % 20000 + 1, (i * 31 % 1000) / 10.0,
                            printf('%0*d', i % 40, i) FROM n;
CREATE INDEX purchase_by_customer ON purchase(customer);
SELECT region, count(*), round(sum(amount), 2), round(avg(amount), 4)
  FROM customer JOIN purchase ON purchase.customer = customer.id
  GROUP BY region ORDER BY region;
SELECT name, total FROM (
  SELECT customer.name AS name, sum(amount) AS total,
         rank() OVER (ORDER BY sum(amount) DESC, customer.id) AS position
    FROM customer JOIN purchase ON purchase.customer = customer.id GROUP BY customer.id)
  WHERE position <= 10;
UPDATE purchase SET amount = amount * 2 WHERE id % 3 = 0;
DELETE FROM purchase WHERE amount > 150;
SELECT count(*), round(sum(amount), 2), max(length(note)) FROM purchase;
SELECT group_concat(name, ';') FROM (SELECT name FROM customer ORDER BY name DESC LIMIT 20);
SELECT count(DISTINCT note), count(DISTINCT customer) FROM purchase;
SQL
