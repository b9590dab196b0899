SELECT -x['a']['b'], (-5)['a'], x['a']::int, CAST(x AS T)['a'], (a + b)['it''s'], (SELECT s FROM t)['a'] FROM t WHERE s['a'] IS NOT NULL AND s [ 'b' ] IN (1, 2)
