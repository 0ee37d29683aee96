SELECT count(*), sum(n), min(ts), max(ts), count(DISTINCT device), sum(note), round(sum(lon)::numeric, 4), sum(speed) FROM fix;
SELECT * FROM plain ORDER BY id;
SELECT count(*) FROM dev0;
SELECT device, count(*) FROM fix GROUP BY device ORDER BY device;
SELECT n FROM fix WHERE n < 5 ORDER BY n;
