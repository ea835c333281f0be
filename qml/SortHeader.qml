pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls

// Column titles that sort a RoleFilterModel: clicking a title sorts by its role (a second
// click reverses), and the sorted column shows an arrow. `columns` is a list of
// {title, role, width}; the column with width -1 takes the rest (`flexibleWidth`).
Rectangle {
    id: sortHeader
    property QtObject model
    property var columns: []
    property real flexibleWidth: 100
    property real leftPadding: 8

    implicitHeight: 28
    color: Theme.alternate
    border.color: Theme.border

    Row {
        id: cells
        x: sortHeader.leftPadding
        height: sortHeader.height
        Repeater {
            model: sortHeader.columns
            delegate: AbstractButton {
                id: cell
                required property var modelData
                readonly property bool sorted: sortHeader.model && sortHeader.model.sortRoleName === cell.modelData.role
                objectName: "sort:" + cell.modelData.role
                width: cell.modelData.width < 0 ? sortHeader.flexibleWidth : cell.modelData.width
                height: cells.height
                focusPolicy: Qt.NoFocus
                enabled: cell.modelData.role !== ""
                onClicked: sortHeader.model.toggleSort(cell.modelData.role)
                contentItem: Text {
                    objectName: "sortTitle"
                    text: cell.modelData.title + (cell.sorted ? (sortHeader.model.sortDescending ? "  \u25BC" : "  \u25B2") : "")
                    color: cell.sorted ? Theme.accent : Theme.secondaryText
                    font.pixelSize: Theme.smallFontSize
                    font.bold: true
                    verticalAlignment: Text.AlignVCenter
                    elide: Text.ElideRight
                }
                background: Rectangle { color: cell.hovered ? Theme.hover : "transparent" }
                ToolTip.visible: cell.hovered && cell.modelData.role !== ""
                ToolTip.text: "Sort by " + cell.modelData.title.toLowerCase()
                ToolTip.delay: 700
            }
        }
    }
}
