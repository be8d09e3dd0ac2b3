"""HTML as word processors put it on the clipboard, for the body editor's tests."""

WORD = (
    '<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><style>'
    "p.MsoNormal {margin:0cm; font-family:Calibri}</style></head><body lang=EN-GB>"
    '<!--StartFragment--><p class=MsoNormal style="margin-bottom:8.0pt;line-height:107%">'
    '<span style="font-size:12.0pt;font-family:Calibri;mso-ansi-language:EN-GB">'
    "Delegations met in <b>Chennai</b> on Monday.<o:p></o:p></span></p>"
    '<p class=MsoNormal><span style="font-size:12.0pt;color:#1F3864">'
    "The corridor opens in <i>spring</i>.<o:p></o:p></span></p><!--EndFragment-->"
    "</body></html>"
)
WORD_STORED = ("<p>Delegations met in <strong>Chennai</strong> on Monday.</p>"
               "<p>The corridor opens in <em>spring</em>.</p>")

GOOGLE_DOCS = (
    '<meta charset="utf-8"><b style="font-weight:normal;" id="docs-internal-guid-4f1c">'
    '<p dir="ltr" style="line-height:1.38;margin-top:0pt;margin-bottom:0pt;">'
    '<span style="font-size:11pt;font-family:Arial;color:#000000;font-weight:400;">'
    "Freighters will sail every ten days.</span></p><br>"
    '<div dir="ltr" style="margin-left:0pt;"><span style="font-size:11pt;font-family:Arial;'
    'font-weight:700;">Ice-class</span><span style="font-size:11pt;font-family:Arial;">'
    " hulls only.</span></div></b>"
)
GOOGLE_DOCS_STORED = ("<p>Freighters will sail every ten days.</p>"
                      "<p><strong>Ice-class</strong> hulls only.</p>")

# A report pasted from a word processor: its title, a table and invisible characters.
REPORT = (
    "<h1>Port figures</h1><p>Tonnage\u00ad rose\u200b sharply.</p>"
    "<table><tr><td>Chennai</td><td>12 Mt</td></tr></table><h4>Notes</h4>"
)
REPORT_STORED = ("<h2>Port figures</h2><p>Tonnage rose sharply.</p>"
                 "<p>Chennai 12 Mt</p><h3>Notes</h3>")
