SELECT a, FROM t WHERE (a = b = c
