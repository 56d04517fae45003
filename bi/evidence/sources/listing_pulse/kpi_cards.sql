select store_key, card_key, value, is_alerting, data_as_of from marts.kpi_cards order by 1, 2
