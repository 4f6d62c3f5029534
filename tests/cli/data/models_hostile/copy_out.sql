-- Copies the events out of the database.
COPY (SELECT * FROM fct_yearly_events) TO 'stolen.csv'
