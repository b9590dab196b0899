-- the last hour
SELECT /* all /* nested */ columns */ *
FROM cpu -- of every host
WHERE time >= now() - INTERVAL '1 hour'
