// swift-tools-version: 6.1
import PackageDescription

/// One set of compiler settings for every target (STYLE.md: Layout).
let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "plimsoll",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "plimsoll", targets: ["plimsoll"]),
        .executable(name: "plimsoll-bench", targets: ["plimsoll-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/attaswift/BigInt.git", from: "6.0.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CSecp256k1",
            pkgConfig: "libsecp256k1",
            providers: [.apt(["libsecp256k1-dev"])]
        ),
        // SHA-256 with its state in a value (Sources/CLibCrypto/shim.h says why).
        .systemLibrary(
            name: "CLibCrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"]), .brew(["openssl@3"])]
        ),
        .target(
            name: "PlimsollCrypto",
            dependencies: [
                "CSecp256k1",
                "CLibCrypto",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // A cache prefetch hint, which Swift does not offer (the state tree warms a path with it).
        .target(name: "CPrefetch"),
        .target(
            name: "PlimsollCore",
            dependencies: ["PlimsollCrypto", "CPrefetch", .product(name: "BigInt", package: "BigInt")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PlimsollScreening",
            dependencies: ["PlimsollCore", "PlimsollCrypto", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),
        // Gathers a transaction's WAL frames into one write (Sources/CSQLiteWALBuffer/wal_buffer.c
        // says why and how it keeps SQLite's guarantees); the system SQLite that GRDB uses.
        .target(
            name: "CSQLiteWALBuffer",
            linkerSettings: [.linkedLibrary("sqlite3")]
        ),
        // Tests only: WAL writes that fail on demand, under the WAL write buffer.
        .target(
            name: "CSQLiteFaultVFS",
            linkerSettings: [.linkedLibrary("sqlite3")]
        ),
        .target(
            name: "PlimsollStore",
            dependencies: [
                "CSQLiteWALBuffer",
                "PlimsollCore", "PlimsollCrypto", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PlimsollPostgres",
            dependencies: [
                "PlimsollCore", "PlimsollCrypto", "PlimsollStore", "PlimsollSettlement",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PlimsollSettlement",
            dependencies: [
                "PlimsollCore", "PlimsollCrypto", "PlimsollStore",
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PlimsollHTTP",
            dependencies: [
                "PlimsollSettlement", "PlimsollStore", "PlimsollScreening", "PlimsollCore", "PlimsollCrypto",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "plimsoll",
            dependencies: [
                "PlimsollCrypto", "PlimsollCore", "PlimsollScreening", "PlimsollStore",
                "PlimsollSettlement", "PlimsollHTTP", "PlimsollPostgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "plimsoll-bench",
            dependencies: [
                "PlimsollCrypto", "PlimsollCore", "PlimsollSettlement", "PlimsollStore", "PlimsollTesting",
                "PlimsollScreening", "PlimsollPostgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PlimsollTesting",
            dependencies: [
                "PlimsollCore", "PlimsollCrypto", "PlimsollStore", "PlimsollSettlement", "PlimsollScreening",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PlimsollCryptoTests",
            dependencies: [
                "PlimsollCrypto", "PlimsollTesting",
                // The independent SHA-256 the libcrypto-backed one is checked against.
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [.copy("Fixtures/vectors")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PlimsollSettlementTests",
            dependencies: [
                "PlimsollSettlement", "PlimsollStore", "PlimsollCore", "PlimsollCrypto", "PlimsollTesting",
                "PlimsollPostgres", "CSQLiteWALBuffer", "CSQLiteFaultVFS",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PlimsollCLITests",
            dependencies: [
                "plimsoll", "plimsoll-bench", "PlimsollSettlement", "PlimsollScreening", "PlimsollStore",
                "PlimsollCore", "PlimsollCrypto", "PlimsollTesting", "PlimsollPostgres",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PlimsollScreeningTests",
            dependencies: ["PlimsollScreening", "PlimsollCore", "PlimsollCrypto", "PlimsollTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PlimsollHTTPTests",
            dependencies: [
                "PlimsollHTTP", "PlimsollSettlement", "PlimsollStore", "PlimsollCore", "PlimsollCrypto",
                "PlimsollTesting",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PlimsollCoreTests",
            dependencies: ["PlimsollCore", "PlimsollCrypto", "PlimsollTesting"],
            swiftSettings: swiftSettings
        ),
    ]
)
