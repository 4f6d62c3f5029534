0-- planwise: kind=report materialized=index kind=mart
-- planwise: colour=blue
-- planwise:
--planwise: kind=mart
SELECT 1
-- planwise: kind=check
