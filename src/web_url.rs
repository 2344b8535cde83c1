//! A parsed web address, by the WHATWG URL standard: in the module by the browser's own parser
//! (`URL`), which keeps the url crate and its tables out of it; natively by the url crate, which
//! implements the same standard. `tests/urls.rs` runs the same addresses through both.

#[cfg(target_arch = "wasm32")]
pub struct Url(web_sys::Url);

#[cfg(target_arch = "wasm32")]
impl Url {
    pub fn parse(text: &str) -> Option<Url> {
        let url = web_sys::Url::new(text).ok()?;
        // Chromium keeps a host with a space or another forbidden character percent-escaped
        // (`exa%20mple.com`) where the standard, and the url crate, refuse it: no such host is
        // a name to reach.
        (!url.hostname().contains('%')).then_some(Url(url))
    }

    pub fn scheme(&self) -> String {
        let protocol = self.0.protocol();
        protocol.strip_suffix(':').unwrap_or(&protocol).to_owned()
    }

    pub fn host_str(&self) -> Option<String> {
        Some(self.0.hostname()).filter(|host| !host.is_empty())
    }

    pub fn username(&self) -> String {
        self.0.username()
    }

    pub fn password(&self) -> Option<String> {
        Some(self.0.password()).filter(|password| !password.is_empty())
    }

    /// Whether it has a query, an empty one (`?` alone) included, which `search` leaves blank.
    pub fn has_query(&self) -> bool {
        let href = self.0.href();
        href.split('#').next().unwrap_or_default().contains('?')
    }

    /// Whether it has a fragment, an empty one (`#` alone) included.
    pub fn has_fragment(&self) -> bool {
        self.0.href().contains('#')
    }

    /// Whether it names a port other than its scheme's own.
    pub fn has_port(&self) -> bool {
        !self.0.port().is_empty()
    }

    pub fn path(&self) -> String {
        self.0.pathname()
    }

    pub fn origin(&self) -> String {
        self.0.origin()
    }

    pub fn as_string(&self) -> String {
        self.0.href()
    }
}

#[cfg(not(target_arch = "wasm32"))]
pub struct Url(url::Url);

#[cfg(not(target_arch = "wasm32"))]
impl Url {
    pub fn parse(text: &str) -> Option<Url> {
        url::Url::parse(text).ok().map(Url)
    }

    pub fn scheme(&self) -> String {
        self.0.scheme().to_owned()
    }

    pub fn host_str(&self) -> Option<String> {
        self.0.host_str().map(str::to_owned)
    }

    pub fn username(&self) -> String {
        self.0.username().to_owned()
    }

    pub fn password(&self) -> Option<String> {
        self.0.password().map(str::to_owned)
    }

    pub fn has_query(&self) -> bool {
        self.0.query().is_some()
    }

    pub fn has_fragment(&self) -> bool {
        self.0.fragment().is_some()
    }

    pub fn has_port(&self) -> bool {
        self.0.port().is_some()
    }

    pub fn path(&self) -> String {
        self.0.path().to_owned()
    }

    pub fn origin(&self) -> String {
        self.0.origin().ascii_serialization()
    }

    pub fn as_string(&self) -> String {
        self.0.as_str().to_owned()
    }
}
