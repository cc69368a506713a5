"""What calamine leaves out of an .ods, read from its content.xml: its merged ranges, and tabs."""

from __future__ import annotations

import io

from sheetsync.cell_scan import _tabbed_text, ods_cells, ods_merged_ranges


def test_ods_merged_ranges_by_position():
    content = (
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0">'
        '<office:body><office:spreadsheet><table:table table:name="项目1">'
        '<table:table-row table:number-rows-repeated="2"><table:table-cell/></table:table-row>'
        '<table:table-row><table:table-cell table:number-columns-repeated="3"/>'
        '<table:table-cell table:number-columns-spanned="3" table:number-rows-spanned="2"/>'
        '<table:covered-table-cell table:number-columns-repeated="2"/>'
        '<table:table-cell table:number-rows-spanned="4"/></table:table-row>'
        '</table:table><table:table table:name="空"/></office:spreadsheet></office:body></office:document-content>').encode()
    assert ods_merged_ranges(io.BytesIO(content)) == {"项目1": [((2, 3), (3, 5)), ((2, 6), (5, 6))], "空": []}


def test_ods_text_with_tabs_spaces_and_line_breaks():
    content = (
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">'
        '<office:body><office:spreadsheet><table:table table:name="项目1"><table:table-row>'
        '<table:table-cell><text:p>no tab</text:p></table:table-cell>'
        '<table:table-cell><text:p>一、水费<text:tab/>0.6万元<text:s text:c="2"/>'
        '<text:span>二、<text:tab/>电费</text:span></text:p><text:p>第二段<text:line-break/>行</text:p></table:table-cell>'
        '</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>').encode()
    assert ods_cells(io.BytesIO(content), _tabbed_text) == {"项目1": {(0, 1): "一、水费\t0.6万元  二、\t电费\n第二段\n行"}}
