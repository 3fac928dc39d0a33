//! Encryption at rest. A laptop can be lost or seized: an encrypted archive reveals nothing
//! without its passphrase — not the database, the files, the thumbnails or the search index.
//!
//! One random 256-bit data key encrypts everything. It is stored only wrapped (sealed) by a key
//! derived from the passphrase with Argon2id and a random salt, in `walkout-key.json`; changing
//! the passphrase re-wraps that one key and touches nothing else. From the data key, HKDF
//! derives separate keys for the database (SQLCipher), the file contents (XChaCha20-Poly1305, a
//! fresh random nonce per file) and the file names (HMAC-SHA256 of the content hash, so the
//! names on disk do not reveal which known file is in the archive). A wrong passphrase fails the
//! unwrap's authentication: a clear error, never garbage.

use std::path::Path;

use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// The key file in an encrypted archive's folder.
pub const KEY_FILE: &str = "walkout-key.json";
const NONCE_LEN: usize = 24;

#[derive(Serialize, Deserialize)]
struct KeyFile {
    version: u32,
    kdf: String,
    memory_kib: u32,
    iterations: u32,
    parallelism: u32,
    salt: String,
    wrapped_key: String,
}

/// The unlocked key of an encrypted archive.
pub struct ArchiveKey {
    data_key: Zeroizing<[u8; 32]>,
}

/// Seals and opens file contents, and names files on disk.
#[derive(Clone)]
pub struct FileCipher {
    content: XChaCha20Poly1305,
    names: Zeroizing<[u8; 32]>,
}

/// Whether the archive in `root` is encrypted.
pub fn is_encrypted(root: &Path) -> bool {
    root.join(KEY_FILE).is_file()
}

fn passphrase_key(
    passphrase: &str,
    salt: &[u8],
    memory_kib: u32,
    iterations: u32,
    parallelism: u32,
) -> Result<Zeroizing<[u8; 32]>> {
    if passphrase.is_empty() {
        return Err(Error::invalid("passphrase", "must not be empty"));
    }
    let params = argon2::Params::new(memory_kib, iterations, parallelism, Some(32))
        .map_err(|e| Error::invalid("passphrase", e.to_string()))?;
    let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut key = Zeroizing::new([0u8; 32]);
    argon
        .hash_password_into(passphrase.as_bytes(), salt, key.as_mut())
        .map_err(|e| Error::invalid("passphrase", e.to_string()))?;
    Ok(key)
}

fn write_key_file(root: &Path, passphrase: &str, data_key: &[u8; 32]) -> Result<()> {
    let salt: [u8; 16] = rand_bytes();
    // OWASP's Argon2id recommendation: 19 MiB, 2 passes; we use more memory, as unlocking is rare.
    let (memory_kib, iterations, parallelism) = (64 * 1024, 3, 1);
    let kek = passphrase_key(passphrase, &salt, memory_kib, iterations, parallelism)?;
    let sealed = seal_with(&XChaCha20Poly1305::new(kek.as_ref().into()), data_key)?;
    let file = KeyFile {
        version: 1,
        kdf: "argon2id".to_string(),
        memory_kib,
        iterations,
        parallelism,
        salt: hex::encode(salt),
        wrapped_key: hex::encode(sealed),
    };
    let path = root.join(KEY_FILE);
    let temp = root.join(format!("{KEY_FILE}.tmp"));
    std::fs::write(&temp, serde_json::to_vec_pretty(&file).expect("key file serializes"))
        .map_err(|e| Error::io(&temp, e))?;
    std::fs::File::open(&temp).and_then(|f| f.sync_all()).map_err(|e| Error::io(&temp, e))?;
    std::fs::rename(&temp, &path).map_err(|e| Error::io(&path, e))
}

fn rand_bytes<const N: usize>() -> [u8; N] {
    use chacha20poly1305::aead::rand_core::RngCore;
    let mut bytes = [0u8; N];
    OsRng.fill_bytes(&mut bytes);
    bytes
}

fn seal_with(cipher: &XChaCha20Poly1305, plaintext: &[u8]) -> Result<Vec<u8>> {
    let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
    let mut out = nonce.to_vec();
    out.extend(cipher.encrypt(&nonce, plaintext).map_err(|_| Error::invalid("encryption", "sealing failed"))?);
    Ok(out)
}

fn open_with(cipher: &XChaCha20Poly1305, sealed: &[u8]) -> Option<Vec<u8>> {
    if sealed.len() < NONCE_LEN {
        return None;
    }
    let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
    cipher.decrypt(XNonce::from_slice(nonce), ciphertext).ok()
}

/// The first bytes of a file sealed with a passphrase (`seal_with_passphrase`).
pub const SEALED_MAGIC: &[u8] = b"WALKOUT-SEALED\x01";

/// Whether `bytes` begin as a file sealed with a passphrase.
pub fn is_sealed(bytes: &[u8]) -> bool {
    bytes.starts_with(SEALED_MAGIC)
}

/// Seals `plaintext` with a key derived from `passphrase` as an encrypted archive's key is
/// (Argon2id, a random salt; XChaCha20-Poly1305): the magic, the salt, the Argon2 parameters,
/// then the sealed bytes. Only the passphrase opens it.
pub fn seal_with_passphrase(passphrase: &str, plaintext: &[u8]) -> Result<Vec<u8>> {
    let salt: [u8; 16] = rand_bytes();
    let (memory_kib, iterations, parallelism) = (64 * 1024u32, 3u32, 1u32);
    let key = passphrase_key(passphrase, &salt, memory_kib, iterations, parallelism)?;
    let mut out = SEALED_MAGIC.to_vec();
    out.extend_from_slice(&salt);
    for n in [memory_kib, iterations, parallelism] {
        out.extend_from_slice(&n.to_le_bytes());
    }
    out.extend(seal_with(&XChaCha20Poly1305::new(key.as_ref().into()), plaintext)?);
    Ok(out)
}

/// Opens what `seal_with_passphrase` sealed: `Ok(None)` when the passphrase is not the one it
/// was sealed with (or the bytes were altered), an error when they are not a sealed file.
pub fn open_with_passphrase(passphrase: &str, sealed: &[u8]) -> Result<Option<Vec<u8>>> {
    let header = SEALED_MAGIC.len() + 16 + 12;
    if !is_sealed(sealed) || sealed.len() < header {
        return Err(Error::invalid("bundle", "not a sealed Walkout file, or a truncated one"));
    }
    let rest = &sealed[SEALED_MAGIC.len()..];
    let (salt, rest) = rest.split_at(16);
    let number = |at: usize| u32::from_le_bytes(rest[at..at + 4].try_into().expect("four bytes"));
    let (memory_kib, iterations, parallelism) = (number(0), number(4), number(8));
    // At most four times what `seal_with_passphrase` asks (64 MiB, 3 passes): a forged header
    // must not make opening a bundle take minutes and gigabytes.
    if memory_kib > 256 * 1024 || iterations > 12 || parallelism > 4 {
        return Err(Error::invalid("bundle", "the sealed file asks for unreasonable key-derivation costs; refused"));
    }
    let key = passphrase_key(passphrase, salt, memory_kib, iterations, parallelism)?;
    Ok(open_with(&XChaCha20Poly1305::new(key.as_ref().into()), &rest[12..]))
}

impl ArchiveKey {
    /// Makes a new data key for the archive in `root` and stores it wrapped by `passphrase`.
    pub fn create(root: &Path, passphrase: &str) -> Result<ArchiveKey> {
        let data_key = Zeroizing::new(rand_bytes::<32>());
        write_key_file(root, passphrase, &data_key)?;
        Ok(ArchiveKey { data_key })
    }

    /// Unwraps the data key of the archive in `root`.
    pub fn unlock(root: &Path, passphrase: &str) -> Result<ArchiveKey> {
        let path = root.join(KEY_FILE);
        let text = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
        let file: KeyFile = serde_json::from_slice(&text)
            .map_err(|e| Error::bad_file(&path, format!("the archive's key file is damaged: {e}")))?;
        if file.version != 1 || file.kdf != "argon2id" {
            return Err(Error::bad_file(&path, "the key file was written by a newer Walkout"));
        }
        let salt = hex::decode(&file.salt).map_err(|_| Error::bad_file(&path, "the key file is damaged (salt)"))?;
        let wrapped =
            hex::decode(&file.wrapped_key).map_err(|_| Error::bad_file(&path, "the key file is damaged (key)"))?;
        let kek = passphrase_key(passphrase, &salt, file.memory_kib, file.iterations, file.parallelism)?;
        let data = open_with(&XChaCha20Poly1305::new(kek.as_ref().into()), &wrapped)
            .ok_or_else(|| Error::WrongPassphrase { path: root.to_path_buf() })?;
        let data_key: [u8; 32] =
            data.as_slice().try_into().map_err(|_| Error::bad_file(&path, "the key file is damaged (length)"))?;
        Ok(ArchiveKey { data_key: Zeroizing::new(data_key) })
    }

    /// Re-wraps the data key under a new passphrase (after checking the old one).
    pub fn change_passphrase(root: &Path, old: &str, new: &str) -> Result<()> {
        let key = ArchiveKey::unlock(root, old)?;
        write_key_file(root, new, &key.data_key)
    }

    fn subkey(&self, purpose: &str) -> Zeroizing<[u8; 32]> {
        let mut out = Zeroizing::new([0u8; 32]);
        hkdf::Hkdf::<Sha256>::new(None, self.data_key.as_ref())
            .expand(purpose.as_bytes(), out.as_mut())
            .expect("32 bytes is a valid HKDF length");
        out
    }

    /// The SQLCipher key, as the `x'…'` literal `PRAGMA key` takes.
    pub fn database_key(&self) -> Zeroizing<String> {
        Zeroizing::new(format!("x'{}'", hex::encode(self.subkey("walkout database").as_ref())))
    }

    /// The cipher for file contents and names.
    pub fn file_cipher(&self) -> FileCipher {
        FileCipher {
            content: XChaCha20Poly1305::new(self.subkey("walkout file contents").as_ref().into()),
            names: self.subkey("walkout file names"),
        }
    }
}

impl FileCipher {
    /// Encrypts and authenticates a file's contents.
    pub fn seal(&self, plaintext: &[u8]) -> Result<Vec<u8>> {
        seal_with(&self.content, plaintext)
    }

    /// Decrypts a sealed file; `None` when it was altered or sealed with another key.
    pub fn open(&self, sealed: &[u8]) -> Option<Vec<u8>> {
        open_with(&self.content, sealed)
    }

    /// The on-disk name of the file whose plaintext has this SHA-256.
    pub fn name_for(&self, sha256: &str) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(self.names.as_ref()).expect("HMAC takes any key length");
        mac.update(sha256.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

impl std::fmt::Debug for FileCipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FileCipher(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_file_asking_for_costly_key_derivation_is_refused_before_deriving() {
        let mut sealed = seal_with_passphrase("a long passphrase", b"the bag").unwrap();
        assert_eq!(open_with_passphrase("a long passphrase", &sealed).unwrap().as_deref(), Some(&b"the bag"[..]));
        // The memory cost, after the magic and the salt: 512 MiB.
        let at = SEALED_MAGIC.len() + 16;
        sealed[at..at + 4].copy_from_slice(&(512 * 1024u32).to_le_bytes());
        assert!(matches!(open_with_passphrase("a long passphrase", &sealed), Err(Error::InvalidField { .. })));
    }

    #[test]
    fn a_wrong_passphrase_is_refused_and_the_right_one_unlocks_the_same_key() {
        let dir = tempfile::tempdir().unwrap();
        let key = ArchiveKey::create(dir.path(), "correct horse").unwrap();
        let sealed = key.file_cipher().seal(b"canary").unwrap();
        assert!(matches!(ArchiveKey::unlock(dir.path(), "wrong horse"), Err(Error::WrongPassphrase { .. })));
        let again = ArchiveKey::unlock(dir.path(), "correct horse").unwrap();
        assert_eq!(again.file_cipher().open(&sealed).unwrap(), b"canary");
        ArchiveKey::change_passphrase(dir.path(), "correct horse", "battery staple").unwrap();
        assert!(ArchiveKey::unlock(dir.path(), "correct horse").is_err());
        let changed = ArchiveKey::unlock(dir.path(), "battery staple").unwrap();
        assert_eq!(changed.file_cipher().open(&sealed).unwrap(), b"canary");
        assert_eq!(changed.database_key().as_str(), key.database_key().as_str());
    }

    #[test]
    fn altered_ciphertext_is_detected() {
        let dir = tempfile::tempdir().unwrap();
        let cipher = ArchiveKey::create(dir.path(), "pw").unwrap().file_cipher();
        let mut sealed = cipher.seal(b"the words").unwrap();
        let last = sealed.len() - 1;
        sealed[last] ^= 1;
        assert!(cipher.open(&sealed).is_none());
    }
}
