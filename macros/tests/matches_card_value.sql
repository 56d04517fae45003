{#- Reconciliation: for every store, the card's value in kpi_cards equals `measure` over the rows of
    `worklist` (optionally filtered by `worklist_filter`). Returns the stores where they differ. -#}
{% test matches_card_value(model, card_key, worklist, measure='count(*)', worklist_filter='1 = 1', column='value') %}
with card as (
    select store_key, {{ column }} as card_value
    from {{ model }}
    where card_key = '{{ card_key }}' and {{ column }} is not null
),

recomputed as (
    select store_key, {{ measure }} as worklist_value
    from {{ worklist }}
    where {{ worklist_filter }}
    group by store_key
)

select card.store_key, card.card_value, coalesce(recomputed.worklist_value, 0) as worklist_value
from card
left join recomputed on recomputed.store_key = card.store_key
where card.card_value <> coalesce(recomputed.worklist_value, 0)
{% endtest %}
