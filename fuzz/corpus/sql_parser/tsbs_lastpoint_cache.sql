SELECT * FROM last_cache('cpu')
