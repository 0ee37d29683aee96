CREATE TABLE fix (ts timestamp with time zone NOT NULL, device text, lon double precision, lat double precision, speed real, n bigint, note numeric(10,2)) PARTITION BY RANGE (ts) WITH (partition_interval = '01:00:00');
CREATE TABLE plain (id integer NOT NULL, name text, g geometry, span interval, ok boolean, PRIMARY KEY (id));
CREATE VIEW dev0 AS SELECT * FROM fix WHERE device = 'dev0';
CREATE INDEX fix_device ON fix (device);
