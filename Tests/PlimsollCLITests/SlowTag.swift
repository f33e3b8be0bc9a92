import Testing

extension Tag {
    /// Tests that take tens of seconds (processes killed and restarted, seeded worlds, whole
    /// demos): each such suite carries a time limit, so a hang fails instead of holding CI.
    @Tag static var slow: Self
}
