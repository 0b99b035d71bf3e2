package optionfile

import (
	"bytes"
	"crypto/aes"
	"encoding/binary"
	"fmt"
	"os"
)

// The login path file that MySQL's mysql_config_editor writes
// (.mylogin.cnf) is an option file obfuscated, not encrypted: anyone who can
// read the file can read the passwords in it, since the key is stored in it.
// Its layout:
//
//	4 bytes   unused
//	20 bytes  key material: byte i is XORed into byte i%16 of the AES-128 key
//	then, for each line of the option file:
//	4 bytes   length N of the cipher text, little-endian
//	N bytes   the line (with its "\n") in AES-128-ECB, PKCS#7 padded
const (
	loginUnused = 4
	loginKeyLen = 20
)

// readLoginFile reads the options of the reader's groups in a login path
// file.
func (r *Reader) readLoginFile(path string) ([]Option, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if fi.Size() > maxFileSize {
		return nil, fmt.Errorf("%w: %s: larger than %d bytes", ErrSyntax, path, maxFileSize)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	text, err := DecodeLoginFile(data)
	if err != nil {
		return nil, fmt.Errorf("%w: login path file %s: %v", ErrSyntax, path, err)
	}
	var out []Option
	err = r.parse(path, text, 0, &out)
	return out, err
}

// DecodeLoginFile returns the option file text of a login path file.
func DecodeLoginFile(data []byte) ([]byte, error) {
	if len(data) < loginUnused+loginKeyLen {
		return nil, fmt.Errorf("%d bytes: too short for the header of a .mylogin.cnf", len(data))
	}
	var key [16]byte
	for i, b := range data[loginUnused : loginUnused+loginKeyLen] {
		key[i%16] ^= b
	}
	block, err := aes.NewCipher(key[:])
	if err != nil {
		return nil, err
	}
	var text bytes.Buffer
	rest := data[loginUnused+loginKeyLen:]
	for len(rest) > 0 {
		if len(rest) < 4 {
			return nil, fmt.Errorf("truncated after %d bytes", len(data)-len(rest))
		}
		n := int(binary.LittleEndian.Uint32(rest))
		rest = rest[4:]
		if n == 0 || n%aes.BlockSize != 0 || n > len(rest) {
			return nil, fmt.Errorf("bad line length %d at byte %d", n, len(data)-len(rest)-4)
		}
		line := make([]byte, n)
		for i := 0; i < n; i += aes.BlockSize {
			block.Decrypt(line[i:i+aes.BlockSize], rest[i:i+aes.BlockSize])
		}
		rest = rest[n:]
		pad := int(line[n-1])
		if pad == 0 || pad > aes.BlockSize || pad > n || !bytes.Equal(line[n-pad:], bytes.Repeat([]byte{byte(pad)}, pad)) {
			return nil, fmt.Errorf("bad padding at byte %d: not a .mylogin.cnf, or damaged", len(data)-len(rest)-n)
		}
		text.Write(line[:n-pad])
	}
	return text.Bytes(), nil
}

// EncodeLoginFile obfuscates option file text as mysql_config_editor does,
// with the 20 bytes of key material given: for tests and fixtures.
func EncodeLoginFile(text []byte, keyMaterial [loginKeyLen]byte) ([]byte, error) {
	var key [16]byte
	for i, b := range keyMaterial {
		key[i%16] ^= b
	}
	block, err := aes.NewCipher(key[:])
	if err != nil {
		return nil, err
	}
	out := make([]byte, loginUnused, loginUnused+loginKeyLen+len(text)*2)
	out = append(out, keyMaterial[:]...)
	for _, line := range bytes.SplitAfter(text, []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		pad := aes.BlockSize - len(line)%aes.BlockSize
		plain := append(append([]byte(nil), line...), bytes.Repeat([]byte{byte(pad)}, pad)...)
		out = binary.LittleEndian.AppendUint32(out, uint32(len(plain)))
		for i := 0; i < len(plain); i += aes.BlockSize {
			var c [aes.BlockSize]byte
			block.Encrypt(c[:], plain[i:i+aes.BlockSize])
			out = append(out, c[:]...)
		}
	}
	return out, nil
}
