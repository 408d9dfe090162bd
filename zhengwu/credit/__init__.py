"""Credit (信用): expert credit (一标一评 ratings, penalty points, suspension) and the market-entity behaviour records (penalties, bans, credit events) that drawing, bidding and supervision consult."""
