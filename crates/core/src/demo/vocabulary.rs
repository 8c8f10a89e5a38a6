//! Word lists for the demo catalog: real Vietnamese and English authors, publishers, places and
//! subjects, so that the demo looks like a Hanoi public library's shelves.

/// (MARC 100 $a, $d) in LC form.
pub const VI_AUTHORS: &[(&str, &str)] = &[
    ("Nguyễn, Du,", "1765-1820."),
    ("Hồ, Xuân Hương,", "1772-1822."),
    ("Nam Cao,", "1915-1951."),
    ("Tô, Hoài,", "1920-2014."),
    ("Vũ, Trọng Phụng,", "1912-1939."),
    ("Ngô, Tất Tố,", "1893-1954."),
    ("Nguyễn, Tuân,", "1910-1987."),
    ("Xuân Diệu,", "1916-1985."),
    ("Thạch Lam,", "1910-1942."),
    ("Nguyên Hồng,", "1918-1982."),
    ("Bảo Ninh,", "1952-"),
    ("Nguyễn, Nhật Ánh,", "1955-"),
    ("Nguyễn, Ngọc Tư,", "1976-"),
    ("Đoàn, Giỏi,", "1925-1989."),
    ("Kim Lân,", "1920-2007."),
    ("Huy Cận,", "1919-2005."),
    ("Tố Hữu,", "1920-2002."),
    ("Nguyễn, Huy Thiệp,", "1950-2021."),
    ("Ma, Văn Kháng,", "1936-"),
    ("Lê, Minh Khuê,", "1949-"),
    ("Trần, Quốc Vượng,", "1934-2005."),
    ("Đặng, Thùy Trâm,", "1942-1970."),
    ("Phạm, Tiến Duật,", "1941-2007."),
];

/// Well-known Vietnamese works with their authors (MARC 100 $a, $d).
pub const VI_WORKS: &[(&str, (&str, &str))] = &[
    ("Truyện Kiều", ("Nguyễn, Du,", "1765-1820.")),
    ("Số đỏ", ("Vũ, Trọng Phụng,", "1912-1939.")),
    ("Dế Mèn phiêu lưu ký", ("Tô, Hoài,", "1920-2014.")),
    ("Tắt đèn", ("Ngô, Tất Tố,", "1893-1954.")),
    ("Chí Phèo", ("Nam Cao,", "1915-1951.")),
    ("Nỗi buồn chiến tranh", ("Bảo Ninh,", "1952-")),
    ("Vợ nhặt", ("Kim Lân,", "1920-2007.")),
    ("Lão Hạc", ("Nam Cao,", "1915-1951.")),
    ("Những ngày thơ ấu", ("Nguyên Hồng,", "1918-1982.")),
    ("Cánh đồng bất tận", ("Nguyễn, Ngọc Tư,", "1976-")),
    ("Mắt biếc", ("Nguyễn, Nhật Ánh,", "1955-")),
    (
        "Tôi thấy hoa vàng trên cỏ xanh",
        ("Nguyễn, Nhật Ánh,", "1955-"),
    ),
    ("Hà Nội băm sáu phố phường", ("Thạch Lam,", "1910-1942.")),
    ("Thương nhớ mười hai", ("Vũ, Bằng,", "1913-1984.")),
    ("Đất rừng phương Nam", ("Đoàn, Giỏi,", "1925-1989.")),
    ("Sống mòn", ("Nam Cao,", "1915-1951.")),
    ("Tuổi thơ dữ dội", ("Phùng, Quán,", "1932-1995.")),
    ("Gió lạnh đầu mùa", ("Thạch Lam,", "1910-1942.")),
    ("Vang bóng một thời", ("Nguyễn, Tuân,", "1910-1987.")),
    ("Nhật ký Đặng Thùy Trâm", ("Đặng, Thùy Trâm,", "1942-1970.")),
    ("Đường xưa mây trắng", ("Thích, Nhất Hạnh,", "1926-2022.")),
    ("Người Hà Nội", ("Nguyễn, Khải,", "1930-2008.")),
    ("Thơ Hồ Xuân Hương", ("Hồ, Xuân Hương,", "1772-1822.")),
    ("Gửi hương cho gió", ("Xuân Diệu,", "1916-1985.")),
    ("Lửa thiêng", ("Huy Cận,", "1919-2005.")),
];

pub const VI_TOPICS: &[&str] = &[
    "Lịch sử",
    "Văn hóa",
    "Địa chí",
    "Ẩm thực",
    "Kiến trúc",
    "Lễ hội",
    "Làng nghề",
    "Ca dao tục ngữ",
    "Truyện cổ tích",
    "Phong tục",
    "Di tích",
    "Nghệ thuật múa rối nước",
];

pub const VI_PLACES: &[&str] = &[
    "Hà Nội",
    "Thăng Long",
    "Hồ Gươm",
    "Tây Hồ",
    "Hải Phòng",
    "Huế",
    "Đà Nẵng",
    "Hội An",
    "Sài Gòn",
    "Cần Thơ",
    "Nghệ An",
    "Quảng Ninh",
    "Lạng Sơn",
    "Điện Biên",
    "Đồng Tháp",
    "Bát Tràng",
];

pub const VI_FORMS: &[&str] = &[
    "Tuyển tập",
    "Giáo trình",
    "Sổ tay",
    "Hỏi đáp về",
    "Tìm hiểu",
    "Những câu chuyện về",
    "Kể chuyện",
];

pub const VI_SUBJECTS: &[&str] = &[
    "Văn học Việt Nam",
    "Lịch sử Việt Nam",
    "Thơ Việt Nam",
    "Tiểu thuyết",
    "Truyện ngắn",
    "Văn hóa dân gian",
    "Địa lý",
    "Kinh tế",
    "Giáo dục",
    "Khoa học tự nhiên",
    "Sách thiếu nhi",
    "Đường phố",
];

/// (place, publisher) for 264 $a and $b.
pub const VI_PUBLISHERS: &[(&str, &str)] = &[
    ("Hà Nội", "Kim Đồng"),
    ("Hà Nội", "Văn học"),
    ("Hà Nội", "Hội Nhà văn"),
    ("Hà Nội", "Nxb. Hà Nội"),
    ("Hà Nội", "Giáo dục Việt Nam"),
    ("Hà Nội", "Chính trị Quốc gia Sự thật"),
    ("Hà Nội", "Thế giới"),
    ("Hà Nội", "Phụ nữ Việt Nam"),
    ("TP. Hồ Chí Minh", "Trẻ"),
    ("Huế", "Thuận Hóa"),
    ("Đà Nẵng", "Nxb. Đà Nẵng"),
];

pub const VI_NARRATORS: &[&str] = &[
    "Nguyễn Thị Thanh Hương",
    "Trần Đức Thắng",
    "Lê Phương Thảo",
    "Đỗ Quang Vinh",
];

pub const VI_SERIALS: &[(&str, &str)] = &[
    ("Tạp chí Văn học", "0494-6928"),
    ("Hà Nội mới cuối tuần", "1859-2546"),
    ("Tạp chí Thư viện Việt Nam", "1859-1426"),
    ("Tạp chí Nghiên cứu lịch sử", "0866-7497"),
    ("Tạp chí Khoa học xã hội Việt Nam", "1013-4328"),
];

pub const EN_AUTHORS: &[(&str, &str)] = &[
    ("Austen, Jane,", "1775-1817."),
    ("Dickens, Charles,", "1812-1870."),
    ("Twain, Mark,", "1835-1910."),
    ("Woolf, Virginia,", "1882-1941."),
    ("Orwell, George,", "1903-1950."),
    ("Hemingway, Ernest,", "1899-1961."),
    ("Greene, Graham,", "1904-1991."),
    ("Morrison, Toni,", "1931-2019."),
    ("Ishiguro, Kazuo,", "1954-"),
    ("Nguyen, Viet Thanh,", "1971-"),
    ("Karnow, Stanley,", "1925-2013."),
    ("Duong, Thu Huong,", "1947-"),
    ("Lessing, Doris,", "1919-2013."),
    ("Achebe, Chinua,", "1930-2013."),
];

/// Well-known works in English with their authors.
pub const EN_WORKS: &[(&str, (&str, &str))] = &[
    ("Pride and prejudice", ("Austen, Jane,", "1775-1817.")),
    ("Great expectations", ("Dickens, Charles,", "1812-1870.")),
    (
        "The adventures of Huckleberry Finn",
        ("Twain, Mark,", "1835-1910."),
    ),
    ("Mrs. Dalloway", ("Woolf, Virginia,", "1882-1941.")),
    ("Nineteen eighty-four", ("Orwell, George,", "1903-1950.")),
    (
        "The old man and the sea",
        ("Hemingway, Ernest,", "1899-1961."),
    ),
    ("The quiet American", ("Greene, Graham,", "1904-1991.")),
    ("Beloved", ("Morrison, Toni,", "1931-2019.")),
    ("The remains of the day", ("Ishiguro, Kazuo,", "1954-")),
    ("The sympathizer", ("Nguyen, Viet Thanh,", "1971-")),
    ("Vietnam, a history", ("Karnow, Stanley,", "1925-2013.")),
    ("Paradise of the blind", ("Duong, Thu Huong,", "1947-")),
    ("Things fall apart", ("Achebe, Chinua,", "1930-2013.")),
    ("The golden notebook", ("Lessing, Doris,", "1919-2013.")),
];

pub const EN_TOPICS: &[&str] = &[
    "libraries",
    "reading",
    "cataloging",
    "the Mekong Delta",
    "Southeast Asian cooking",
    "river cities",
    "public health",
    "digital preservation",
    "children's literature",
    "modern architecture",
    "rice farming",
    "the printing press",
];

pub const EN_FORMS: &[&str] = &[
    "A history of",
    "An introduction to",
    "Essays on",
    "A guide to",
    "Stories of",
    "The art of",
];

pub const EN_SUBJECTS: &[&str] = &[
    "English fiction",
    "American fiction",
    "Vietnam -- History",
    "Libraries -- Vietnam",
    "Cooking, Vietnamese",
    "Children's stories",
    "Architecture",
    "Economics",
];

pub const EN_PUBLISHERS: &[(&str, &str)] = &[
    ("New York", "Penguin Books"),
    ("London", "Faber & Faber"),
    ("Oxford", "Oxford University Press"),
    ("Boston", "Houghton Mifflin"),
    ("Singapore", "NUS Press"),
];

pub const EN_SERIALS: &[(&str, &str)] = &[
    ("Journal of Vietnamese studies", "1559-372X"),
    ("Library journal", "0363-0277"),
    ("The New Yorker", "0028-792X"),
];

pub const FAMILY_NAMES: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương", "Lý",
];
pub const MIDDLE_NAMES: &[&str] = &[
    "Thị", "Văn", "Minh", "Thu", "Đức", "Ngọc", "Quang", "Thanh", "Hữu", "Bảo",
];
pub const GIVEN_NAMES: &[&str] = &[
    "Lan", "Hùng", "Anh", "Hà", "Thắng", "Ánh", "Huy", "Hương", "Phương", "Châu", "Dũng", "Trâm",
    "Khôi", "Việt", "Hạnh", "Đạt",
];
pub const EN_PATRON_NAMES: &[&str] = &[
    "Emma Wilson",
    "Daniel Smith",
    "Sophie Martin",
    "Lucas Brown",
];

/// (code, name) of the demo library's branches.
pub const BRANCHES: &[(&str, &str)] = &[
    ("TT", "Thư viện Hà Nội - Trụ sở chính"),
    ("HK", "Chi nhánh Hoàn Kiếm"),
    ("CG", "Chi nhánh Cầu Giấy"),
    ("LB", "Chi nhánh Long Biên"),
    ("SS", "Chi nhánh Sóc Sơn"),
];

pub const LOCATIONS: &[&str] = &["Kho mở", "Phòng đọc", "Phòng thiếu nhi", "Kho lưu trữ"];
pub const ACCESSIBLE_LOCATION: &str = "Phòng đọc người khiếm thị";
