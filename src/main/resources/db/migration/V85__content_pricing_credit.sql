-- module: content
-- One spelling of the credit pricing type everywhere, seed 000's: 'credit' (apps' pricing_model and
-- features' pricing_type already say it). The API still accepts 'credits' on input.
ALTER TABLE content_items DROP CONSTRAINT content_items_pricing_type_check;
ALTER TABLE content_items DROP CONSTRAINT content_items_check;
UPDATE content_items SET pricing_type = 'credit' WHERE pricing_type = 'credits';
ALTER TABLE content_items ADD CONSTRAINT content_items_pricing_type_check
    CHECK (pricing_type IN ('free', 'credit', 'subscription'));
ALTER TABLE content_items ADD CONSTRAINT content_items_credit_priced_check
    CHECK (pricing_type <> 'credit' OR credits_required > 0);
