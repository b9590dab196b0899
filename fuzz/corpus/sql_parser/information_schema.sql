SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'iox' AND table_name = 'cpu' ORDER BY 1, 2
