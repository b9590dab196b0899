SELECT * FROM t WHERE name LIKE 'a%' ESCAPE '!' AND host NOT ILIKE '%B%' AND region IN ('us-west', 'eu') AND value NOT IN (SELECT v FROM u)
