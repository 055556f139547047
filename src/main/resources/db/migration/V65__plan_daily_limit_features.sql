-- module: metering
-- Which features a plan's daily_limit counts (seed 004: "3 videos/day" is about generation, not
-- about every paid call). The seeded tiers cap the generation features; plans made before keep
-- capping what they included; new plans default to the generation features too.
ALTER TABLE plans ADD COLUMN daily_limit_features JSONB NOT NULL
    DEFAULT '["image_generation", "video_generation", "audio_generation"]';
UPDATE plans SET daily_limit_features = included_features WHERE id NOT IN ('free', 'pro', 'premium');
