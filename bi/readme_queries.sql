select store_key, card_key, value, is_alerting, data_as_of from marts.kpi_cards order by 1, 2;
select * from marts.aex_xc_listed_but_oos_on_bc where is_counted;
