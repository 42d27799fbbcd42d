//! A software passkey: what a phone, a laptop or a security key does for a
//! browser, written out so the tests can be the browser. It makes P-256
//! credentials with "none" attestation and signs assertions as WebAuthn
//! Level 2 says (authenticator data, then SHA-256 of the client data),
//! with the user present and verified. Nothing of the server's is used.

use data_encoding::BASE64URL_NOPAD;
use openssl::bn::{BigNum, BigNumContext};
use openssl::ec::{EcGroup, EcKey};
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{PKey, Private};
use openssl::sign::Signer;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// One credential the authenticator holds.
#[derive(Clone)]
pub struct Credential {
    pub id: Vec<u8>,
    pub user_handle: Vec<u8>,
    key: EcKey<Private>,
    /// The signature counter; each assertion adds one.
    pub counter: u32,
}

/// The authenticator, for the site at `origin`.
pub struct Authenticator {
    pub origin: String,
    pub credentials: Vec<Credential>,
}

fn b64(bytes: &[u8]) -> String {
    BASE64URL_NOPAD.encode(bytes)
}

fn unb64(text: &Value) -> Vec<u8> {
    BASE64URL_NOPAD
        .decode(text.as_str().expect("base64url text").as_bytes())
        .expect("base64url")
}

/// Flags: user present, user verified.
const UP_UV: u8 = 0x01 | 0x04;
/// Attested credential data included.
const AT: u8 = 0x40;

impl Authenticator {
    pub fn new(origin: &str) -> Self {
        Self {
            origin: origin.into(),
            credentials: Vec::new(),
        }
    }

    fn client_data(&self, kind: &str, options: &Value) -> Vec<u8> {
        json!({
            "type": kind,
            "challenge": options["challenge"],
            "origin": self.origin,
            "crossOrigin": false,
        })
        .to_string()
        .into_bytes()
    }

    /// `navigator.credentials.create()`: a new credential for `options`
    /// (the server's JSON), and the browser's answer as JSON.
    pub fn create(&mut self, options: &str) -> String {
        let options: Value = serde_json::from_str(options).expect("creation options");
        let rp_id = options["rp"]["id"].as_str().expect("an rp id");
        let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap();
        let key = EcKey::generate(&group).unwrap();
        let (mut x, mut y) = (BigNum::new().unwrap(), BigNum::new().unwrap());
        key.public_key()
            .affine_coordinates(&group, &mut x, &mut y, &mut BigNumContext::new().unwrap())
            .unwrap();
        let id: Vec<u8> = (0..32).map(|_| rand_byte()).collect();
        let mut auth_data = Sha256::digest(rp_id.as_bytes()).to_vec();
        auth_data.push(UP_UV | AT);
        auth_data.extend(0u32.to_be_bytes());
        auth_data.extend([0u8; 16]); // AAGUID: none
        auth_data.extend((id.len() as u16).to_be_bytes());
        auth_data.extend(&id);
        auth_data.extend(cose_key(
            &x.to_vec_padded(32).unwrap(),
            &y.to_vec_padded(32).unwrap(),
        ));
        let attestation = cbor_map(&[
            (text("fmt"), text("none")),
            (text("attStmt"), cbor_map(&[])),
            (text("authData"), bytes(&auth_data)),
        ]);
        let client_data = self.client_data("webauthn.create", &options);
        self.credentials.push(Credential {
            id: id.clone(),
            user_handle: unb64(&options["user"]["id"]),
            key,
            counter: 0,
        });
        json!({
            "id": b64(&id),
            "rawId": b64(&id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64(&client_data),
                "attestationObject": b64(&attestation),
                "transports": ["internal"],
            },
            "clientExtensionResults": {},
        })
        .to_string()
    }

    /// `navigator.credentials.get()` with the credential at `index`: the
    /// browser's answer to `options` as JSON.
    pub fn get(&mut self, index: usize, options: &str) -> String {
        let options: Value = serde_json::from_str(options).expect("request options");
        let rp_id = options["rpId"].as_str().expect("an rp id").to_string();
        let client_data = self.client_data("webauthn.get", &options);
        let credential = &mut self.credentials[index];
        credential.counter += 1;
        self.sign(index, &rp_id, &client_data)
    }

    /// An answer signed by credential `index` with whatever counter it
    /// now has.
    fn sign(&self, index: usize, rp_id: &str, client_data: &[u8]) -> String {
        let credential = &self.credentials[index];
        let mut auth_data = Sha256::digest(rp_id.as_bytes()).to_vec();
        auth_data.push(UP_UV);
        auth_data.extend(credential.counter.to_be_bytes());
        let mut signed = auth_data.clone();
        signed.extend(Sha256::digest(client_data));
        let pkey = PKey::from_ec_key(credential.key.clone()).unwrap();
        let mut signer = Signer::new(MessageDigest::sha256(), &pkey).unwrap();
        signer.update(&signed).unwrap();
        let signature = signer.sign_to_vec().unwrap();
        json!({
            "id": b64(&credential.id),
            "rawId": b64(&credential.id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64(client_data),
                "authenticatorData": b64(&auth_data),
                "signature": b64(&signature),
                "userHandle": b64(&credential.user_handle),
            },
            "clientExtensionResults": {},
        })
        .to_string()
    }
}

fn rand_byte() -> u8 {
    let mut byte = [0u8; 1];
    openssl::rand::rand_bytes(&mut byte).unwrap();
    byte[0]
}

/// An EC2 P-256 public key as COSE: {1: 2, 3: -7, -1: 1, -2: x, -3: y}.
fn cose_key(x: &[u8], y: &[u8]) -> Vec<u8> {
    cbor_map(&[
        (int(1), int(2)),
        (int(3), int(-7)),
        (int(-1), int(1)),
        (int(-2), bytes(x)),
        (int(-3), bytes(y)),
    ])
}

// The few CBOR items WebAuthn needs, in canonical form.

fn head(major: u8, n: usize) -> Vec<u8> {
    let major = major << 5;
    match n {
        0..=23 => vec![major | n as u8],
        24..=0xff => vec![major | 24, n as u8],
        _ => {
            let mut out = vec![major | 25];
            out.extend((n as u16).to_be_bytes());
            out
        }
    }
}

fn int(n: i64) -> Vec<u8> {
    match n {
        0.. => head(0, n as usize),
        _ => head(1, (-1 - n) as usize),
    }
}

fn bytes(b: &[u8]) -> Vec<u8> {
    let mut out = head(2, b.len());
    out.extend(b);
    out
}

fn text(t: &str) -> Vec<u8> {
    let mut out = head(3, t.len());
    out.extend(t.as_bytes());
    out
}

fn cbor_map(pairs: &[(Vec<u8>, Vec<u8>)]) -> Vec<u8> {
    let mut out = head(5, pairs.len());
    for (k, v) in pairs {
        out.extend(k);
        out.extend(v);
    }
    out
}
