-- bom
SELECT 1;
