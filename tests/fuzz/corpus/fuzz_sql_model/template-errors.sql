0SELECT {{ ref('') }}, {{ var(x) }}, {{ ref('a' }}, {{ nope('y') }}, {{ var('unset') }}, {{ ref('missing') }} {{
