CREATE TABLE i (k integer, j text, w integer);
CREATE TABLE o (id integer, k integer, j text);
