SELECT date_bin(INTERVAL '1 minute', time) AS minute, max(usage_user) AS max_usage_user FROM cpu WHERE time < '2016-01-01T05:00:00Z' GROUP BY minute ORDER BY minute DESC LIMIT 5
