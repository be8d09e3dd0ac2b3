'use strict';
// The article list's tag filters: typing a name offers entries from the admin's
// autocomplete; choosing one opens the list filtered by it.
{
    const $ = django.jQuery;
    $(function() {
        $('.tag-filter-picker').djangoAdminSelect2().on('select2:select', function(event) {
            const url = this.dataset.pickUrl.replace(
                this.dataset.pickPlaceholder, encodeURIComponent(event.params.data.id)
            );
            window.location.assign(url);
        });
    });
}
