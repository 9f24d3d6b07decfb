"""Sentence templates for synthetic service notes, call transcripts and complaints.

A `{slot}` is filled by `cdp.synth.notes`; slots named in `POSITIVE_SLOTS` become gold spans,
every other slot is a look-alike that must stay unlabelled. Trigger words (客户, 先生, 地址, 家住)
sit in the literal text, outside the spans, and many mentions come without any trigger.
"""

from __future__ import annotations

# slot -> gold entity type
POSITIVE_SLOTS = {
    "customer": "CN_PERSON",
    "staff": "CN_PERSON",
    "relative": "CN_PERSON",
    "en_name": "CN_PERSON",
    "mobile": "CN_MOBILE",
    "landline": "CN_LANDLINE",
    "id": "CN_RESIDENT_ID",
    "id15": "CN_RESIDENT_ID",
    "card": "CN_BANK_CARD",
    "uscc": "CN_USCC",
    "passport": "CN_PASSPORT",
    "plate": "CN_PLATE",
    "email": "EMAIL_ADDRESS",
    "ip": "IP_ADDRESS",
    "address": "CN_ADDRESS",
    "street": "CN_ADDRESS",
}

# 服务备注: one to five sentences per note.
NOTE_SENTENCES = (
    "客户{customer}来电咨询大额存单利率，已告知当前挂牌利率。",
    "{customer}要求将预留手机号更新为{mobile}，已核实身份后处理。",
    "客户身份证号{id}，证件有效期至{date}。",
    "客户{customer}（身份证{id}）于{date}办理借记卡挂失。",
    "已为{customer}女士办理卡号{card}的补卡，新卡将寄往{address}。",
    "客户住址变更为{address}，联系电话{mobile}。",
    "家住{address}的{customer}先生反映信用卡额度不足。",
    "客户地址：{address}",
    "通讯地址更新为{street}，邮编未提供。",
    "客户经办的个体户统一社会信用代码{uscc}，经营地址{address}。",
    "个体工商户{customer}，信用代码：{uscc}，申请商户收单。",
    "客户护照号{passport}，已登记为境外汇款证件。",
    "客户持护照（{passport}）办理外币兑换，金额{amount}。",
    "客户车辆{plate}绑定ETC扣款卡{card}。",
    "客户邮箱{email}，要求电子对账单发送至该邮箱。",
    "登录IP为{ip}，与常用地不符，已提示风险。",
    "客户座机{landline}，白天无人接听，请拨手机{mobile}。",
    "客户单位电话{landline}，工作日可联系。",
    "联系人{relative}（客户之妻），电话{mobile}。",
    "客户之子{relative}代为咨询，已告知需本人临柜。",
    "理财经理{staff}已电话回访，客户对服务满意。",
    "由客户经理{staff}跟进，预计{date}前回复。",
    "{customer}{mobile}来电，称账户被冻结。",
    "客户老身份证号{id15}，已提示更换二代证。",
    "15位旧身份证号码{id15}与系统记录一致。",
    "客户提供的证件号{bad_id}校验不通过，请客户核对后重新提供。",
    "交易流水号{bad_card}，{date} {time}入账{amount}。",
    "订单号{order}，退款{amount}预计三个工作日到账。",
    "已告知客户可拨打客服热线{hotline}查询进度。",
    "客户称在{place}出差期间卡片被盗刷，涉及金额{amount}。",
    "客户上月去{place}旅游，消费{amount}，已核实为本人交易。",
    "客户在{org}的工资代发已到账，金额{amount}。",
    "网点号{code}，产品代码{code}，客户认购{amount}。",
    "会员号{bad_mobile}积分未到账，已转信用卡中心。",
    "客户于{date} {time}在{branch}办理业务，无异常。",
    "工单{order}已转{branch}处理。",
    "客户表示近期不希望接到营销电话，已登记免打扰。",
    "客户咨询个人养老金账户开立流程，已预约到网点办理。",
    "持卡人{customer}，卡号{card}，申请调整单日限额。",
    "收款人{relative}，收款账号{card}，汇款用途为学费。",
    "{customer}的配偶{relative}陪同办理，已核验双方证件。",
    "客户来电挂失借记卡{card}，已办理临时挂失。",
    "客户原手机号{mobile}已停用，新号码{mobile}。",
    "身份证号码：{id}；手机：{mobile}；地址：{address}。",
    "客户称{place}的亲戚{relative}代为还款{amount}。",
)

# 坐席/客户 turns; the speaker label is added by the generator.
AGENT_TURNS = (
    "您好，这里是客服中心，工号{code}，请问有什么可以帮您？",
    "请问您是{customer}先生本人吗？",
    "请问是{customer}女士吗？",
    "请提供一下您的身份证号码。",
    "请报一下您的卡号后四位以及预留手机号。",
    "好的，已为您登记，稍后{staff}经理会联系您。",
    "您的新地址是{address}，对吗？",
    "已为您查询，订单{order}的款项{amount}已退回。",
    "您也可以拨打{hotline}咨询。",
    "请确认您的邮箱是{email}吗？",
    "系统显示您于{date}在{branch}办理过业务。",
    "为保障资金安全，建议您不要向他人透露验证码。",
    "核实无误，感谢您的耐心等待。",
    "您提供的号码{bad_id}与系统记录不符，请再核对一下。",
    "好的{customer}，请您稍等。",
)
CUSTOMER_TURNS = (
    "我是{customer}，我的手机号是{mobile}。",
    "我叫{customer}，身份证号{id}。",
    "身份证是{id}。",
    "卡号是{card}。",
    "我的卡{card}昨天在{place}被刷了{amount}。",
    "手机{mobile}，座机{landline}。",
    "我搬家了，现在住{address}。",
    "新地址是{street}。",
    "邮箱是{email}。",
    "我老婆{relative}的卡也有问题。",
    "我帮我妈{relative}问一下，她手机号是{mobile}。",
    "我车牌号{plate}，ETC一直扣不了款。",
    "订单号是{order}，退款到现在还没到。",
    "我打了{hotline}没人接。",
    "我在{org}上班，工资卡是{card}。",
    "上周{date}在{place}取的钱。",
    "对，是我本人。",
    "我的护照号码是{passport}。",
    "我以前的身份证是15位的，{id15}。",
    "好的，谢谢。",
)

# 投诉: longer first-person narratives.
COMPLAINT_SENTENCES = (
    "本人{customer}，身份证号{id}，投诉贵行{branch}工作人员服务态度恶劣。",
    "{date}我在{branch}办理业务，等候超过两小时。",
    "我的银行卡{card}于{date} {time}被盗刷{amount}，我本人当时在{place}。",
    "多次拨打{hotline}均无人处理，工单号{order}至今没有结果。",
    "经办人{staff}承诺三个工作日内回复，但一直没有消息。",
    "请联系我：{mobile}，或发邮件至{email}。",
    "我家住{address}，附近网点已撤并，办理业务很不方便。",
    "我的车{plate}在停车场被误扣费{amount}。",
    "我是个体工商户，信用代码{uscc}，商户结算款被延迟。",
    "理财经理{staff}未充分揭示风险，导致我亏损{amount}。",
    "我母亲{relative}年事已高，希望能上门办理。",
    "请回电{landline}或{mobile}。",
    "我在{org}工作，单位地址是{street}。",
    "以上情况属实，望尽快处理。",
    "另外，交易单号{bad_card}的那笔{amount}也请一并核查。",
)

# Mixed English / Chinese notes (cross-border desks, expat customers).
ENGLISH_SENTENCES = (
    "Customer {en_name} called about card {card}; asked to reset the PIN at a branch.",
    "Please email {en_name} at {email} with the statement for {date}.",
    "Mr. {en_name} (passport {passport}) requested a USD wire of {amount}.",
    "Ms. {en_name} updated her mobile to {mobile}.",
    "Login from IP {ip} flagged; customer {en_name} confirmed it was him.",
    "Call back on {mobile} after {time}.",
    "Reference {order}, amount {amount}, branch code {code}.",
    "客户{en_name}为外籍人士，护照号{passport}，联系邮箱{email}。",
    "Customer {customer} (手机 {mobile}) asked about the wealth product {code}.",
    "Address on file: {address}.",
    "Hotline {hotline} was busy; ticket {order} opened.",
    "{en_name} works at {org} and receives salary to card {card}.",
    "Customer said the charge in {place} on {date} was not hers.",
)
SPEAKERS = (("坐席", "客户"), ("客服", "客户"), ("Agent", "客户"))

# Cities and towns that start with a common surname (and should not be read as names).
NAME_LIKE_PLACES = (
    "张家口", "马鞍山", "黄山", "文山", "石家庄", "周口", "常州", "温州", "高邮", "余姚",
    "金华", "白银", "包头", "安康", "龙岩", "江山", "武夷山", "韶关", "洪湖", "丽江",
    "鲁山", "邓州", "贺州", "曲靖", "桂林", "钟祥", "王府井", "乐山", "万宁", "秦皇岛",
)  # fmt: skip
# Organisations, several named after a person-like brand.
ORGANISATIONS = (
    "中国工商银行", "平安保险公司", "华为技术有限公司", "李宁体育用品有限公司", "王老吉大健康公司",
    "张小泉刀剪店", "马应龙药业", "周大福珠宝", "陈李济药厂", "海底捞餐饮公司", "顺丰速运",
    "国家电网", "中国移动", "阿里巴巴集团", "杭州市第一人民医院", "浙江大学", "万达广场",
)  # fmt: skip
