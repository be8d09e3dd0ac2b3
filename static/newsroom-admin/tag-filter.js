'use strict';
// The article list's tag filters: typing a name offers entries from the admin's
// autocomplete; choosing one opens the list filtered by it.
{
    const $ = django.jQuery;
    $(function() {
        $('.tag-filter-picker').djangoAdminSelect2().on('select2:select', function(event) {
            // Set the filter's own parameter: a search term may hold any text.
            const url = new URL(this.dataset.pickUrl, window.location.href);
            url.searchParams.set(this.dataset.pickParam, event.params.data.id);
            window.location.assign(url);
        });
    });
}
