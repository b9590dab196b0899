SELECT c.* FROM cpu c INNER JOIN (SELECT hostname, max(time) AS max_time FROM cpu GROUP BY hostname) m ON c.hostname = m.hostname AND c.time = m.max_time ORDER BY c.hostname
