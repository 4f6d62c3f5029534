-- planwise: kind=report materialized=view
SELECT 1
