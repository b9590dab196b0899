SELECT * FROM cpu WHERE usage_user > 90.0 AND time >= '2016-01-01T05:00:00Z' AND time < '2016-01-01T17:00:00Z' AND hostname IN ('host_12')
