SELECT time, "time", timestamp, interval, date, value, name, type, first, last, range, filter FROM cpu AS time WHERE time > now() - INTERVAL '1 hour'
