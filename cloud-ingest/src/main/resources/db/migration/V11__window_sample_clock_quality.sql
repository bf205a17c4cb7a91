-- How each sample's measurement time was decided (the contract's clockQuality, as the enum's name), so that a window's
-- Observation can say which qualities its samples have. NULL for samples stored before this column existed.
ALTER TABLE window_sample ADD COLUMN clock_quality TEXT;
