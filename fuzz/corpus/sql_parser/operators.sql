SELECT a + b * c - d / e % f, -a::int, NOT a = b, a || 'x' = c, a ~ '^h' AND b !~* 'x' OR c ~* 'y', x BETWEEN 1 AND 2 AND y NOT BETWEEN -1.5 AND .5e3 FROM t
