import QtQuick
import QtTest
import EcrDesktop

// The image list of one demo repository: keyboard moves, Ctrl+C and the digest copy, the
// CRITICAL/HIGH filter, the tag filter, sorting, and Escape back.
Item {
    id: root
    width: 1366
    height: 500

    Component {
        id: paneComponent
        ImagePane {
            anchors.fill: parent
            model: demoApp.images
            repositoryName: demoApp.selectedRepository
            repositoryUri: demoApp.selectedRepositoryUri
        }
    }
    SignalSpy { id: copySpy; signalName: "copyRequested" }
    SignalSpy { id: backSpy; signalName: "backRequested" }

    TestCase {
        name: "ImagePane"
        when: windowShown
        property var pane
        property string repository: ""

        // A repository with at least 4 images, one of them CRITICAL and one without findings.
        function pickRepository() {
            const repos = demoApp.repositories
            for (let i = 0; i < repos.count; ++i) {
                if (repos.value(i, "imageCount") >= 4 && repos.value(i, "critical") > 0 && repos.value(i, "low") > 0)
                    return repos.value(i, "name")
            }
            return ""
        }

        function initTestCase() {
            Theme.controller = themeBackend
            tryCompare(demoApp, "hasData", true, 60000)
            tryCompare(demoApp, "refreshing", false, 60000)
            repository = pickRepository()
            verify(repository !== "", "the demo registry has a suitable repository")
        }
        function init() {
            demoApp.selectedRepository = repository
            pane = createTemporaryObject(paneComponent, root)
            verify(pane)
            copySpy.clear(); copySpy.target = pane
            backSpy.clear(); backSpy.target = pane
            waitForRendering(pane)
            tryVerify(() => pane.list.count === demoApp.images.count && pane.list.count >= 4)
        }
        function cleanup() {
            demoApp.images.filterText = ""
            demoApp.images.minimumRank = 0
            demoApp.images.sortRoleName = "pushedAt"
            demoApp.images.sortDescending = true
            demoApp.selectedRepository = ""
        }

        function test_titleAndCount() {
            compare(findChild(pane, "imagesTitle").text, "Images of " + repository)
            compare(findChild(pane, "imageCount").text, demoApp.images.count + " images")
            verify(findChild(pane, "copyRepositoryUri").visible)
        }

        function test_downUpAndCopyWithCtrlC() {
            pane.list.forceActiveFocus()
            pane.list.currentIndex = 0
            keyClick(Qt.Key_Down)
            keyClick(Qt.Key_Down)
            compare(pane.list.currentIndex, 2)
            keyClick(Qt.Key_Up)
            compare(pane.list.currentIndex, 1)
            keyClick(Qt.Key_C, Qt.ControlModifier)
            compare(copySpy.count, 1)
            const uri = demoApp.images.value(1, "imageUri")
            compare(copySpy.signalArguments[0][0], uri)
            // <account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag> (or @digest)
            verify(uri.indexOf(demoRegistryId + ".dkr.ecr.eu-west-1.amazonaws.com/" + repository) === 0, uri)
        }

        function test_escapeAndLeftGoBack() {
            pane.list.forceActiveFocus()
            keyClick(Qt.Key_Escape)
            compare(backSpy.count, 1)
            pane.list.forceActiveFocus()
            keyClick(Qt.Key_Left)
            compare(backSpy.count, 2)
        }

        function test_digestClickCopiesFullDigest() {
            const row = pane.list.itemAtIndex(0)
            verify(row)
            const digestText = findChild(row, "imageDigest")
            compare(digestText.text, demoApp.images.value(0, "shortDigest"))
            compare(digestText.text.length, "sha256:".length + 12)
            mouseClick(digestText)
            compare(copySpy.count, 1)
            compare(copySpy.signalArguments[0][0], demoApp.images.value(0, "digest"))
            compare(copySpy.signalArguments[0][0].length, "sha256:".length + 64)
        }

        function test_copyUriButton() {
            const row = pane.list.itemAtIndex(0)
            mouseClick(findChild(row, "copyImageUri"))
            compare(copySpy.count, 1)
            compare(copySpy.signalArguments[0][0], demoApp.images.value(0, "imageUri"))
        }

        function test_onlyCriticalOrHigh() {
            const all = demoApp.images.count
            pane.severityFilter.activated(1)   // "CRITICAL or HIGH"
            compare(demoApp.images.minimumRank, 5)
            verify(demoApp.images.count > 0 && demoApp.images.count < all)
            waitForItemPolished(pane.list)
            for (let i = 0; i < demoApp.images.count; ++i) {
                verify(demoApp.images.value(i, "critical") > 0 || demoApp.images.value(i, "high") > 0)
                const chips = findChild(pane.list.itemAtIndex(i), "severityChips")
                verify(chips.total > 0)
            }
            pane.severityFilter.activated(2)   // "CRITICAL only"
            for (let i = 0; i < demoApp.images.count; ++i)
                verify(demoApp.images.value(i, "critical") > 0)
            compare(pane.severityFilter.currentIndex, 2)
            pane.severityFilter.activated(0)
            compare(demoApp.images.count, all)
        }

        function test_filterByTag() {
            const tag = demoApp.images.value(0, "tags")[0]
            pane.filterField.forceActiveFocus()
            pane.filterField.text = tag
            verify(demoApp.images.count >= 1)
            for (let i = 0; i < demoApp.images.count; ++i)
                verify(demoApp.images.value(i, "tagsText").toLowerCase().indexOf(tag.toLowerCase()) >= 0
                       || demoApp.images.value(i, "digest").indexOf(tag) >= 0)
            keyClick(Qt.Key_Escape)
            compare(pane.filterField.text, "")
            verify(pane.list.activeFocus)
        }

        function test_sortBySize() {
            mouseClick(findChild(pane, "sort:size"))
            compare(demoApp.images.sortRoleName, "size")
            for (let i = 1; i < demoApp.images.count; ++i)
                verify(demoApp.images.value(i - 1, "size") <= demoApp.images.value(i, "size"))
            mouseClick(findChild(pane, "sort:size"))
            for (let i = 1; i < demoApp.images.count; ++i)
                verify(demoApp.images.value(i - 1, "size") >= demoApp.images.value(i, "size"))
        }

        function test_newestFirstByDefault() {
            compare(demoApp.images.sortRoleName, "pushedAt")
            for (let i = 1; i < demoApp.images.count; ++i)
                verify(demoApp.images.value(i - 1, "pushedAt") >= demoApp.images.value(i, "pushedAt"))
        }
    }
}
