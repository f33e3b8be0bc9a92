import Foundation
import PlimsollScreening
import Testing

/// Parsers on the real files: counts from the data README, and refusals that name the line.
struct ParserTests {
    @Test func ofacSDNCounts() {
        let entities = SanctionsData.ofac
        #expect(entities.count == 8976)
        let kinds = Dictionary(grouping: entities, by: \.kind).mapValues(\.count)
        #expect(kinds[.person] == 4620)
        #expect(kinds[.organization] == 3673)
        #expect(kinds[.vessel] == 406)
        #expect(kinds[.aircraft] == 277)
        #expect(entities.filter(\.isDPRK).count == 414)
        let vessels = entities.filter { $0.kind == .vessel }
        #expect(vessels.filter { !$0.imoNumbers.isEmpty }.count == 399)
        #expect(vessels.filter(\.isDPRK).filter { !$0.imoNumbers.isEmpty }.count == 105)
        #expect(entities.filter { $0.kind == .organization && !$0.imoNumbers.isEmpty }.count == 78)
        let kim = entities.first { $0.primaryName == "KIM, Jong Un" }
        #expect(kim?.kind == .person)
        #expect(kim?.programmes.contains("DPRK3") == true)
    }

    @Test func ofac2019VintageCounts() throws {
        let entities = try OFACParser.parse(folder: SanctionsData.root.appendingPathComponent("ofac_sdn_2019"))
        #expect(entities.count == 7379)
        #expect(entities.filter(\.isDPRK).count == 388)
    }

    @Test func unConsolidatedCounts() {
        let entities = SanctionsData.un
        #expect(entities.count == 1003)
        #expect(entities.filter { $0.kind == .person }.count == 730)
        #expect(entities.filter { $0.kind == .organization }.count == 273)
        let dprk = entities.filter { $0.reference.hasPrefix("KP") }
        #expect(dprk.count == 155)
        #expect(dprk.filter { $0.kind == .person }.count == 80)
        #expect(entities.filter { !$0.imoNumbers.isEmpty }.count == 15, "IMO company numbers in COMMENTS1")
    }

    @Test func followTheMoneySample() throws {
        let entities = try FTMParser.parse(
            file: SanctionsData.root.appendingPathComponent("opensanctions/sample.entities.ftm.json"))
        #expect(entities.count == 6, "4 Person + 2 Organization; the Address is not a party")
        #expect(entities.filter { $0.kind == .person }.count == 4)
    }

    @Test func truncatedCSVNamesTheLine() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ofac-cut-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let original = try Data(contentsOf: SanctionsData.root.appendingPathComponent("ofac_sdn/sdn.csv"))
        let text = String(decoding: original.prefix(50_000), as: UTF8.self)
        let cut = text[..<text.range(of: "\"", options: .backwards)!.upperBound]  // Ends inside a quoted field.
        try Data(cut.utf8).write(to: folder.appendingPathComponent("sdn.csv"))
        do {
            _ = try OFACParser.parse(folder: folder)
            Issue.record("a truncated sdn.csv parsed")
        } catch {
            #expect(error.file == "sdn.csv")
            #expect(error.location.hasPrefix("line "), "\(error)")
        }
        try Data("\"1\",\"NAME\",\"-0- \"\r\n".utf8).write(to: folder.appendingPathComponent("sdn.csv"))
        #expect(throws: ListParseError(file: "sdn.csv", location: "line 1", message: "expected 12 fields, got 3")) {
            _ = try OFACParser.parse(folder: folder)
        }
    }

    @Test func malformedXMLNamesTheLine() {
        let xml =
            "<CONSOLIDATED_LIST>\n<INDIVIDUALS>\n<INDIVIDUAL><DATAID>1</DATAID>\n<FIRST_NAME>X</FIRST_NAME>\n</INDIVID"
        do {
            _ = try UNParser.parse(data: Data(xml.utf8), name: "cut.xml")
            Issue.record("truncated XML parsed")
        } catch {
            #expect(error.location.hasPrefix("line "), "\(error)")
        }
        let missing =
            "<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>X</FIRST_NAME></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>"
        #expect(throws: ListParseError.self) { _ = try UNParser.parse(data: Data(missing.utf8), name: "bad.xml") }
    }

    @Test(arguments: [
        ("Vessel Registration Identification IMO 8660313; MMSI 123", ["8660313"]),
        ("IMO Number: 5342883", ["5342883"]),
        ("imo9176187 and IMO 9176188", ["9176187", "9176188"]),
        ("IMO 12345678 is too long", []),
        ("no number here", []),
    ])
    func imoNumbersInText(text: String, expected: [String]) {
        #expect(IMOText.numbers(in: text) == expected)
    }

    @Test func imoInAnyCommonForm() {
        for form in ["IMO 9176187", "imo9176187", "9176187", "IMO: 9176187"] {
            #expect(IMOText.normalize(form) == "9176187", "\(form)")
        }
        #expect(IMOText.normalize("IMO 917618") == nil)
        #expect(IMOText.normalize("IMO 91761870") == nil)
        #expect(IMOText.normalize("ABC 9176187") == nil)
    }
}
